"""Prometheus metrics of one server process, in a registry of its own (so apps never share counters)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest

LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)
STAGE_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        ProcessCollector(registry=r)  # process_cpu_seconds_total, resident memory, open fds
        self.requests = Counter("edge_api_requests", "API requests by endpoint, format_type and errorCode",
                                ["endpoint", "format_type", "error_code", "status"], registry=r)
        self.latency = Histogram("edge_api_request_seconds", "API request time, reception to answer",
                                 ["endpoint"], buckets=LATENCY_BUCKETS, registry=r)
        self.stage = Histogram("edge_scan_stage_seconds", "Time per pipeline stage and image",
                               ["stage"], buckets=STAGE_BUCKETS, registry=r)
        self.queue_wait = Histogram("edge_pool_wait_seconds", "Time a scan waited for a worker thread",
                                    buckets=STAGE_BUCKETS, registry=r)
        self.pending = Gauge("edge_pool_pending", "Scans admitted and not finished (running + queued)", registry=r)
        self.rejected = Counter("edge_pool_rejected", "Requests refused because the pool was full or slow",
                                ["reason"], registry=r)
        self.fetches = Counter("edge_url_fetches", "format_type=url downloads by outcome", ["outcome"], registry=r)
        self.fallbacks = Counter("edge_cloud_fallbacks", "Scans sent on to the cloud API, by outcome",
                                 ["outcome"], registry=r)

    def render(self) -> bytes:
        return generate_latest(self.registry)
