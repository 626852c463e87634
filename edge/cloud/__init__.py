"""The client of the provider's cloud API (the same contract ``edge serve`` answers)."""
