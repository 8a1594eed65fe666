"""The upstream's human pages: sign-in, sign-out and the equity report (NHS.UK frontend)."""
