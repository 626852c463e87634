"""Download a ``format_type=url`` image as untrusted input: the server must not become a proxy (SSRF).

Only http(s); the host is resolved here and every address checked (loopback, private,
link-local, cloud-metadata, multicast and reserved ranges are refused unless the operator's
allow-list names them), then the connection is pinned to the checked address so a second DNS
answer cannot swap it; redirects are followed by hand and each hop is checked again; the body is
capped in bytes and the whole download in time.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

from edge.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "edge-scanner/0.1 (+format_type=url)"


@dataclass(frozen=True)
class FetchPolicy:
    timeout_s: float = 10.0
    max_bytes: int = 15_000_000
    max_redirects: int = 3
    allow: tuple[str, ...] = ()

    def networks(self) -> list[IPNetwork]:
        nets = []
        for entry in self.allow:
            try:
                nets.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                continue  # a host name
        return nets

    def hosts(self) -> set[str]:
        return {e.lower().rstrip(".") for e in self.allow if not _is_network(e)}


def _is_network(entry: str) -> bool:
    try:
        ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False
    return True


def is_public(ip: IPAddress) -> bool:
    """Reachable on the public internet: not loopback, private, link-local (metadata), reserved."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class Fetcher:
    """One shared async HTTP client; ``get`` returns the bytes or raises FetchError (errorCode 2)."""

    def __init__(self, policy: FetchPolicy, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self._networks = policy.networks()
        self._hosts = policy.hosts()
        timeout = httpx.Timeout(policy.timeout_s, connect=min(5.0, policy.timeout_s))
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False, transport=transport,
                                         headers={"User-Agent": USER_AGENT, "Accept": "image/*"}, trust_env=False)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, url: str) -> bytes:
        try:
            async with asyncio.timeout(self.policy.timeout_s):
                return await self._follow(url)
        except TimeoutError as exc:
            raise FetchError(f"the download took longer than {self.policy.timeout_s:g} s") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"the download failed: {exc.__class__.__name__}") from exc

    async def _follow(self, url: str) -> bytes:
        current = _parse(url)
        for _ in range(self.policy.max_redirects + 1):
            request = await self._pinned_request(current)
            response = await self._client.send(request, stream=True)
            try:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    current = current.join(response.headers["location"])
                    _parse(str(current))
                    continue
                if response.status_code != 200:
                    raise FetchError(f"the image URL answered HTTP {response.status_code}")
                return await self._read_capped(response)
            finally:
                await response.aclose()
        raise FetchError(f"more than {self.policy.max_redirects} redirects")

    async def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(f"the image is {int(declared)} bytes; the limit is {cap}")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > cap:
                raise FetchError(f"the image is over the {cap}-byte limit")
        return bytes(body)

    async def _pinned_request(self, url: httpx.URL) -> httpx.Request:
        """A request to the checked address of ``url``'s host, with the Host header and TLS name kept."""
        host = url.host.lower().rstrip(".")
        if host in self._hosts:
            return self._client.build_request("GET", url)
        ip = await self._resolve(host, url.port or (443 if url.scheme == "https" else 80))
        headers = {"Host": url.netloc.decode("ascii").rpartition("@")[2]}
        extensions = {"sni_hostname": host} if url.scheme == "https" and host != str(ip) else {}
        return self._client.build_request("GET", url.copy_with(host=str(ip)), headers=headers,
                                          extensions=extensions)

    async def _resolve(self, host: str, port: int) -> IPAddress:
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError as exc:
                raise FetchError("the image URL's host does not resolve") from exc
            addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        if not addresses:
            raise FetchError("the image URL's host does not resolve")
        for ip in addresses:  # every answer must be allowed, else a rebinding host could pick one
            if not (is_public(ip) or any(ip in net for net in self._networks)):
                raise FetchError("the image URL points to a loopback, private, link-local or reserved "
                                 "address (allow it with server.fetch_allow)")
        return addresses[0]


def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError("not a valid URL") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError("only http and https URLs are fetched")
    return parsed
