"""The exception tree shared by every part of the product.

    EdgeError                 anything this package raises on purpose
    ├── ConfigError           a bad config file, key or environment override
    ├── CameraError           a camera that cannot be opened, fails or disappears (reopened with backoff)
    ├── ImageError            an image that cannot be read or decoded
    ├── ModelError            a model file missing, corrupted or not loadable by its runtime
    ├── SynthError            the generator cannot run (e.g. a font is missing)
    ├── DataError             a ground-truth or prediction file that cannot be scored
    ├── FetchError            a format_type=url image that cannot or may not be downloaded
    ├── StoreError            the local scan store cannot be opened, read or written (disk full, corrupt)
    └── CloudError            the cloud API did not give a usable answer
        ├── CloudUnavailable  timeouts, refused or reset connections, HTTP 5xx (after retries)
        │   └── CircuitOpen   too many failures in a row: not asked until the breaker resets
        ├── CloudProtocolError  an answer that is not the seed's JSON envelope
        └── CloudRejected     a well-formed refusal; ``code`` holds the errorCode
            ├── CloudAuthError    errorCode 5: wrong api_key / api_secret
            ├── CloudQuotaError   errorCode 4: out of requests
            └── CloudInputError   errorCode 2, 3 or 6: the request or its image was refused

Every message says what was wrong and, where it can, what to do about it; the CLI prints the
message and exits non-zero, never a traceback.
"""

from __future__ import annotations


class EdgeError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(EdgeError):
    """The configuration is invalid; the message names the key."""


class CameraError(EdgeError):
    """A camera cannot be opened or stopped delivering frames; the message says which and what to check."""


class ImageError(EdgeError):
    """An image cannot be read, decoded or written."""


class SynthError(EdgeError):
    """The synthetic generator cannot run."""


class DataError(EdgeError):
    """A ground-truth or prediction file is malformed."""


class ModelError(EdgeError):
    """A model file is missing, does not match its manifest, or its runtime cannot load it."""


class FetchError(EdgeError):
    """A URL image cannot be downloaded, or its address is not allowed."""


class StoreError(EdgeError):
    """The local SQLite store cannot be used; the message names the file and what to do."""


class CloudError(EdgeError):
    """The cloud API gave no usable answer."""


class CloudUnavailable(CloudError):
    """The cloud could not be reached or failed (timeouts, resets, 5xx), retries included."""


class CircuitOpen(CloudUnavailable):
    """Recent calls failed in a row; the cloud is not asked again until the breaker resets."""


class CloudProtocolError(CloudError):
    """The answer is not the seed's JSON envelope."""


class CloudRejected(CloudError):
    """The cloud answered with an error code; ``code`` is the seed's errorCode string."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"the cloud API refused the request: errorCode {code} ({message})")
        self.code = code


class CloudAuthError(CloudRejected):
    """errorCode 5: the api_key / api_secret are wrong."""


class CloudQuotaError(CloudRejected):
    """errorCode 4: the key's quota or rate limit is exhausted."""


class CloudInputError(CloudRejected):
    """errorCode 2, 3 or 6: the image or the request was refused."""
