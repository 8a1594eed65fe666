"""The upstream's HTTP API: device uploads, exports and administration."""
