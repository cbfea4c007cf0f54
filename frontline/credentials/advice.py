"""What to tell a person whose token was not found: why each place had none, and exactly what to run."""

from __future__ import annotations

from frontline.credentials import secrets_file
from frontline.credentials.backend import HELPDESK, SLACK_PREFIX
from frontline.credentials.gh import DEFAULT_HOST, GITHUB_KINDS


def missing_message(
    profile: str,
    system: str,
    *,
    token_env: str | None,
    kind: str | None,
    reasons: tuple[str, ...],
    keyring_usable: bool,
    gh_reason: str | None = None,
    gh_hostname: str = DEFAULT_HOST,
) -> str:
    """The CredentialsError message: one line of reasons, then the commands that fix it."""
    what = "webhook URL" if system.startswith(SLACK_PREFIX) else "token"
    clauses = list(reasons)
    if token_env:
        clauses.append(f"${token_env} is not set")
    if gh_reason:
        clauses.append(gh_reason)
    because = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + ", and " + clauses[-1]
    lines = [f"No {what} for profile {profile!r} ({system}): {because}."]
    where = "the keyring" if keyring_usable else f"{secrets_file.secrets_path()} (readable only by you)"
    options = [f"Run `{login_command(profile, system)}` to store one in {where}"]
    placeholder = "<the webhook URL>" if what == "webhook URL" else "<your API token>"
    if token_env:
        options.append(f"or `export {token_env}={placeholder}`")
    elif not keyring_usable:
        example = example_env(system, kind)
        key = "webhook_env" if what == "webhook URL" else "token_env"
        options.append(f'or add `{key} = "{example}"` under {section(profile, system)}')
        options.append(f"in the config file, then `export {example}={placeholder}`")
    if system in GITHUB_KINDS or kind in GITHUB_KINDS:
        host = "" if gh_hostname == DEFAULT_HOST else f" --hostname {gh_hostname}"
        options.append(f"or sign in with the gh CLI, `gh auth login{host}`: frontline uses its token")
    return "\n".join([*lines, *(option + "," for option in options[:-1]), options[-1] + "."])


def login_command(profile: str, system: str) -> str:
    """The `frontline login` that stores this system's secret."""
    if system.startswith(SLACK_PREFIX):
        return f"frontline login {profile} --handoff {system.removeprefix(SLACK_PREFIX)}"
    suffix = "" if system == HELPDESK else f" --system {system}"
    return f"frontline login {profile}{suffix}"


def example_env(system: str, kind: str | None) -> str:
    """The conventional variable (from the connector registry), e.g. `JSM_TOKEN`, `TEAM_WEBHOOK_URL`."""
    if system.startswith(SLACK_PREFIX):
        name = system.removeprefix(SLACK_PREFIX).upper()
        return "".join(c if c.isalnum() else "_" for c in name) + "_WEBHOOK_URL"
    from frontline.connectors.registry import CONNECTORS

    wanted = kind or ("zendesk" if system == HELPDESK else system)
    for spec in CONNECTORS:
        if spec.kind == wanted:
            return spec.auth.token_env
    return f"{wanted.upper()}_TOKEN"


def section(profile: str, system: str) -> str:
    """Where in the config file the variable is named."""
    if system == HELPDESK:
        return f"[profiles.{profile}.helpdesk]"
    if system.startswith(SLACK_PREFIX):
        name = system.removeprefix(SLACK_PREFIX)
        return f'the [[profiles.{profile}.handoff.destinations]] entry with name = "{name}"'
    return f'the [[profiles.{profile}.escalation]] entry with kind = "{system}"'
