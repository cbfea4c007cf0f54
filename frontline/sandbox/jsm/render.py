"""JSM JSON shapes: service desks, queues, customer requests and their comments."""

from __future__ import annotations

from typing import Any

from frontline.sandbox.atlassian.records import AttachmentRecord, CommentRecord, IssueRecord
from frontline.sandbox.atlassian.shapes import date_dto, jsm_user, paged
from frontline.sandbox.atlassian.wiki import render
from frontline.sandbox.jsm.seed import DeskDef, QueueDef
from frontline.sandbox.jsm.site import JsmSite

API = "/rest/servicedeskapi"
MAX_LIMIT = 50
"""JSM's largest page."""
_REQUEST_EXPANDS = [
    "participant",
    "status",
    "sla",
    "requestType",
    "serviceDesk",
    "attachment",
    "action",
    "comment",
]


def desk_json(base: str, desk: DeskDef) -> dict[str, Any]:
    """JSM `ServiceDeskDTO`."""
    return {
        "id": desk.id,
        "projectId": desk.project_id,
        "projectKey": desk.project_key,
        "projectName": desk.project_name,
        "_links": {"self": f"{base}{API}/servicedesk/{desk.id}"},
    }


def queue_json(site: JsmSite, base: str, queue: QueueDef, count: bool) -> dict[str, Any]:
    """JSM `QueueDTO`; counting the members is costly, so only on `includeCount=true`."""
    body: dict[str, Any] = {
        "id": queue.id,
        "name": queue.name,
        "jql": queue.jql,
        "fields": list(site.queue_fields),
        "_links": {"self": f"{base}{API}/servicedesk/{queue.desk_id}/queue/{queue.id}"},
    }
    if count:
        body["issueCount"] = len(site.queue_issues(queue))
    return body


def comment_json(
    site: JsmSite, base: str, issue: IssueRecord, comment: CommentRecord, expand: set[str] | None = None
) -> dict[str, Any]:
    """JSM `CommentDTO`: its body as Jira wiki text and its `public` flag; `expand` adds `attachment`s and
    the `renderedBody` (HTML, what the customer sees)."""
    expand = expand or set()
    body: dict[str, Any] = {
        "_expands": ["attachment", "renderedBody"],
        "id": comment.id,
        "body": comment.body,
        "public": comment.public,
        "created": date_dto(comment.created, site.now()),
        "_links": {"self": f"{base}{API}/request/{issue.id}/comment/{comment.id}"},
    }
    author = site.accounts.get(comment.author_id)
    if author:
        body["author"] = jsm_user(base, author)
    if "attachment" in expand:
        files = [attachment_json(site, base, comment, a) for a in comment.attachments]
        path = f"{API}/request/{issue.id}/comment/{comment.id}/attachment"
        body["attachments"] = paged(base, path, files, 0, MAX_LIMIT, len(files))
    if "renderedBody" in expand:
        body["renderedBody"] = {"html": render(comment.body)}
    return body


def attachment_json(
    site: JsmSite, base: str, comment: CommentRecord, attachment: AttachmentRecord
) -> dict[str, Any]:
    """JSM `AttachmentDTO`: no id of its own; the links carry it."""
    body: dict[str, Any] = {
        "filename": attachment.filename,
        "mimeType": attachment.mime_type,
        "size": attachment.size,
        "created": date_dto(comment.created, site.now()),
        "_links": {
            "self": f"{base}/rest/api/2/attachment/{attachment.id}",
            "jiraRest": f"{base}/rest/api/2/attachment/{attachment.id}",
            "content": f"{base}/secure/attachment/{attachment.id}/{attachment.filename}",
        },
    }
    author = site.accounts.get(comment.author_id)
    if author:
        body["author"] = jsm_user(base, author)
    return body


def request_json(site: JsmSite, base: str, issue: IssueRecord, expand: set[str]) -> dict[str, Any]:
    """JSM `CustomerRequestDTO`, with the `expand`ed parts."""
    now = site.now()
    desk = site.desks[issue.service_desk_id or "1"]
    reporter = site.accounts[issue.reporter_id]
    body: dict[str, Any] = {
        "_expands": list(_REQUEST_EXPANDS),
        "issueId": issue.id,
        "issueKey": issue.key,
        "summary": issue.summary,
        "requestTypeId": issue.request_type_id or "",
        "serviceDeskId": desk.id,
        "createdDate": date_dto(issue.created, now),
        "reporter": jsm_user(base, reporter),
        "requestFieldValues": [
            {"fieldId": "summary", "label": "Summary", "value": issue.summary},
            {
                "fieldId": "description",
                "label": "Description",
                "value": issue.description,
            },
        ],
        "currentStatus": site.request_status(issue),
        "_links": {
            "jiraRest": f"{base}/rest/api/2/issue/{issue.id}",
            "web": f"{base}/servicedesk/customer/portal/{desk.id}/{issue.key}",
            "agent": f"{base}/browse/{issue.key}",
            "self": f"{base}{API}/request/{issue.id}",
        },
    }
    if "serviceDesk" in expand:
        body["serviceDesk"] = desk_json(base, desk)
    if "participant" in expand:
        people = [jsm_user(base, site.accounts[p]) for p in issue.participants]
        body["participants"] = paged(
            base, f"{API}/request/{issue.id}/participant", people, 0, MAX_LIMIT, len(people)
        )
    if "sla" in expand:
        slas = site.sla_values(base, issue)
        body["sla"] = paged(base, f"{API}/request/{issue.id}/sla", slas, 0, MAX_LIMIT, len(slas))
    if "status" in expand:
        statuses = [site.request_status(issue)]
        body["status"] = paged(base, f"{API}/request/{issue.id}/status", statuses, 0, MAX_LIMIT, 1)
    if "comment" in expand:
        public = [c for c in site.comments(issue) if c.public]
        values = [comment_json(site, base, issue, c) for c in public[:MAX_LIMIT]]
        body["comments"] = paged(base, f"{API}/request/{issue.id}/comment", values, 0, MAX_LIMIT, len(public))
    return body
