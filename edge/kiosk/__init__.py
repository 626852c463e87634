"""The walk-up kiosk: the session flow (``session``), its web app (``app``) and page (``web/``)."""
