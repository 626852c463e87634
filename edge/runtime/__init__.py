"""Inference backends behind one small interface; backend names appear only in ``registry``."""
