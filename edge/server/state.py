"""What one server process holds: the pipeline, the pool, credentials, limits, fetcher and metrics."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from edge.cloud.fallback import Fallback
from edge.config import Config
from edge.document.pipeline import Pipeline, ScanResult
from edge.schema import Envelope
from edge.server.auth import KeyStore, Limiter
from edge.server.fetch import Fetcher, FetchPolicy
from edge.server.inputs import Inputs
from edge.server.metrics import Metrics
from edge.server.pool import WorkerPool

MB = 1_000_000


@dataclass
class ServerState:
    config: Config
    keys: KeyStore
    limiter: Limiter
    pool: WorkerPool
    fetcher: Fetcher
    metrics: Metrics = field(default_factory=Metrics)
    pipeline: Pipeline | None = None
    fallback: Fallback | None = None  # the cloud API asked about unsure results ([fallback], [cloud])

    @classmethod
    def build(cls, config: Config) -> ServerState:
        s = config.server
        policy = FetchPolicy(timeout_s=s.fetch_timeout_s, max_bytes=int(s.fetch_max_mb * MB),
                             max_redirects=s.fetch_max_redirects, allow=tuple(s.fetch_allow))
        fallback = Fallback(config.fallback, config.cloud)
        return cls(config=config, keys=KeyStore(s.api_keys, s.anonymous),
                   limiter=Limiter(s.quota, s.quota_window_s, s.rate_per_s, s.rate_burst),
                   pool=WorkerPool(s.inference_threads, s.queue, s.queue_timeout_s), fetcher=Fetcher(policy),
                   fallback=fallback if fallback.enabled else None)

    @property
    def ready(self) -> bool:
        return self.pipeline is not None

    @property
    def max_body(self) -> int:
        return int(self.config.server.max_body_mb * MB)

    @property
    def confidences(self) -> bool:
        return self.config.server.confidences

    async def scan(self, inputs: Inputs, thumb: bool) -> Envelope:
        """Decode and scan in the worker pool; the event loop only waits."""
        pipeline = self.pipeline
        if pipeline is None:
            raise RuntimeError("the pipeline is not loaded yet")
        max_pixels = self.config.server.max_pixels
        queued = time.perf_counter()

        def job() -> Envelope:
            self.metrics.queue_wait.observe(time.perf_counter() - queued)
            result: ScanResult = pipeline.scan(inputs.images(max_pixels), thumb)
            for side in result.sides:
                for stage, seconds in side.timings.items():
                    self.metrics.stage.labels(stage).observe(seconds)
            if self.fallback is None:
                return result.envelope
            # unsure or missing fields: the cloud API's answer merged in, within [fallback] timeout_s
            resolution = self.fallback.resolve(result.envelope, inputs.raw(), len(inputs.names))
            self.metrics.fallbacks.labels(resolution.outcome).inc()
            return resolution.envelope

        return await self.pool.run(job)
