"""Which certificates frontline trusts: the `[network]` section and the `verify` every client takes.

TLS verification is always on: there is no setting to turn it off, because the connections carry
helpdesk and tracker tokens. What can change is the set of trusted roots, for networks whose proxy
re-signs TLS traffic with the company's own certificate authority:

- `ca_bundle`: a PEM file of extra root certificates (the company CA), trusted besides the usual ones;
- `trust = "system"`: the operating system's store (through `truststore`), where IT usually installs
  that CA, instead of the certificates bundled with Python (`certifi`).

`HTTPS_PROXY` and `NO_PROXY` are honoured by httpx itself.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from frontline.errors import ConfigError

__all__ = ["NetworkSettings", "verify_option"]


class NetworkSettings(BaseModel):
    """How frontline reaches the vendors' servers (`[network]` in the config file)."""

    model_config = ConfigDict(extra="forbid")  # field docstrings: not read at import, checked by a test

    ca_bundle: str | None = None
    """A PEM file of extra certificate authorities to trust, such as the one a TLS-inspecting corporate
    proxy signs with, e.g. `/etc/ssl/certs/acme-root.pem`. Trusted in addition to the usual roots."""

    trust: Literal["default", "system"] = "default"
    """`default`: the root certificates bundled with Python (certifi). `system`: the operating system's
    certificate store (macOS Keychain, Windows, the distribution's store), where IT installs a
    corporate proxy's CA."""

    @field_validator("ca_bundle")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return value.strip() or None


def verify_option(network: NetworkSettings) -> ssl.SSLContext | bool:
    """What `ApiClient(verify=...)` (and httpx) takes for these settings: True for httpx's default
    trust, else an `ssl.SSLContext` that verifies certificates and host names as strictly.

    Raises:
        ConfigError: `ca_bundle` is missing, unreadable or holds no certificate.
    """
    if network.trust == "default" and network.ca_bundle is None:
        return True
    context = _system_context() if network.trust == "system" else _bundled_context()
    if network.ca_bundle is not None:
        _load_bundle(context, network.ca_bundle)
    return context


def _bundled_context() -> ssl.SSLContext:
    """The roots httpx uses by default (certifi's), in a context that can take more."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _system_context() -> ssl.SSLContext:
    """The operating system's trust store, verifying as the OS's own clients do."""
    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _load_bundle(context: ssl.SSLContext, ca_bundle: str) -> None:
    path = Path(ca_bundle).expanduser()
    where = f"[network] ca_bundle {str(path)!r}"
    if not path.is_file():
        raise ConfigError(f"The {where} is not a file; point it at a PEM file of CA certificates.")
    try:
        context.load_verify_locations(cafile=str(path))
    except PermissionError:
        raise ConfigError(f"The {where} cannot be read (permission denied).") from None
    except (OSError, ssl.SSLError, ValueError) as error:
        reason = getattr(error, "reason", None) or type(error).__name__
        raise ConfigError(
            f"The {where} holds no usable certificate ({reason}); it should be PEM "
            "(-----BEGIN CERTIFICATE-----)."
        ) from None
