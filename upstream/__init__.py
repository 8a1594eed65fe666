"""The upstream receiving service: verifies, stores and exports sealed Vital 5 records."""
