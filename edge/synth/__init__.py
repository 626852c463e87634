"""Synthetic registration cards, photographed scenes, text-line crops and camera sequences."""
