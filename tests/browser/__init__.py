"""Real-browser tests: Playwright drives headless Debian Chromium against a live kiosk."""
