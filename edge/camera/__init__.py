"""Camera sources (picamera2, OpenCV V4L2 / GStreamer, replay) behind one ``CameraSource`` protocol."""
