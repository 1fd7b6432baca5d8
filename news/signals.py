"""Signals the news app sends; receivers live with whoever needs them (a page cache, say)."""

from django.dispatch import Signal

# Sent after the transaction commits, whenever what the public may see of an article
# changed through the workflow: published, withdrawn, an approved edit, pinned or unpinned.
# Arguments: ``article_id``. Receivers run after commit, so they never see a rolled-back
# change, and a failure in one of them cannot undo the review step.
public_content_changed = Signal()
