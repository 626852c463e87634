"""Operations: device checks (``edge doctor``), calibration of the fallback, systemd notifications."""
