"""Documents in photos: locating and rectifying the card, then reading its side and fields."""
