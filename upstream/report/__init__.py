"""The equity report: Vital 5 risks by group, from sealed records, with small numbers hidden."""
