"""Bad security contexts, one table for both judges: the SDK's checks and the emulator's 422s.

Each case holds the :class:`SecurityContext` a user would write, the same thing on the wire, the
field the SDK names (its Python path under the container) and the location the emulator names
(under the container's ``loc``).
"""

from __future__ import annotations

from typing import Any

from workload_async import Capabilities, SeccompProfile, SecurityContext

SECURITY_CASES: list[tuple[SecurityContext, dict[str, Any], str, list[str | int]]] = [
    (
        SecurityContext(seccomp_profile=SeccompProfile(type="Strict")),
        {"seccompProfile": {"type": "Strict"}},
        "security_context.seccomp_profile.type",
        ["securityContext", "seccompProfile", "type"],
    ),
    (
        SecurityContext(seccomp_profile=SeccompProfile(type="RuntimeDefault", localhost_profile="p.json")),
        {"seccompProfile": {"type": "RuntimeDefault", "localhostProfile": "p.json"}},
        "security_context.seccomp_profile.localhost_profile",
        ["securityContext", "seccompProfile", "localhostProfile"],
    ),
    (
        SecurityContext(capabilities=Capabilities(drop=["ALL", ""])),
        {"capabilities": {"drop": ["ALL", ""]}},
        r"security_context.capabilities.drop[1]",
        ["securityContext", "capabilities", "drop", 1],
    ),
    (
        SecurityContext(allow_privilege_escalation="no"),  # type: ignore[arg-type]
        {"allowPrivilegeEscalation": "no"},
        "security_context.allow_privilege_escalation",
        ["securityContext", "allowPrivilegeEscalation"],
    ),
]
