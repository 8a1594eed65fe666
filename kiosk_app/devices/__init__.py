"""App-side device glue: lifecycles and status over device_drivers (no byte parsing)."""
