"""Shared models: the append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Bulk changes are refused like single ones (the database refuses them too, see
    migration 0002); only the actor's ON DELETE SET NULL, which does not go through here,
    may touch a stored entry."""

    def update(self, **kwargs: object) -> int:
        raise RuntimeError("Audit entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit entries are append-only")


class AuditEntry(models.Model):
    """One recorded action: who did what to which object, and when; never edited or deleted."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit entries are append-only")


class OutboxMessage(models.Model):
    """A copy of an e-mail the outbox backend kept instead of sending (core/outbox.py).

    Only while `EMAIL_URL=outbox:` (the default with DEBUG on: development and the demo);
    recipients are addresses, not links to people, and an erasure deletes the messages that
    name the person.
    """

    sent_at = models.DateTimeField(db_index=True)
    from_email = models.CharField(max_length=300)
    to = models.JSONField(default=list, help_text="Every recipient: to, cc and bcc.")
    subject = models.TextField()
    body = models.TextField()
    # [{"name": "meeting.ics", "mimetype": "text/calendar; method=REQUEST",
    #   "content": "...", "base64": false}]
    attachments = models.JSONField(default=list)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"Outbox message #{self.pk}"


class ContentTranslation(models.Model):
    """One text of an organization's own content (a program's name, a survey question, a
    training module's page...) written in another language than its default one.

    `owner` is the model's label ("programs.program") and `owner_id` its primary key; `path`
    names the text inside it ("name", "responsibilities.mentor", "questions.why.label").
    `source_digest` is the digest of the default-language text it was written from: once
    that text changes, the translation is out of date and is no longer shown (see
    core/content.py).
    """

    owner = models.CharField(max_length=60)
    owner_id = models.BigIntegerField()
    path = models.CharField(max_length=200)
    language = models.CharField(max_length=10)
    text = models.TextField()
    source_digest = models.CharField(max_length=16)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "owner_id", "language", "path"], name="one_translation_per_text"
            )
        ]
        indexes = [models.Index(fields=["language"])]

    def __str__(self) -> str:
        return f"{self.owner}#{self.owner_id} {self.path} [{self.language}]"


class OutboundEvent(models.Model):
    """Something that happened that systems outside may subscribe to (webhooks), written in
    the transaction of the change itself, so an event is never announced for a change that
    was rolled back, nor lost for one that was committed. The payload holds ids, codes and
    times only (`core.outbound` checks its keys): never a name, a note or an answer."""

    uid = models.UUIDField(unique=True, editable=False)
    kind = models.CharField(max_length=40, db_index=True)
    occurred_at = models.DateTimeField(db_index=True)
    payload = models.JSONField(default=dict)
    # When the event was handed to every subscriber (one delivery each); null until then.
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.uid}"
