"""The forms every upload page shares; each format's own form lives with its source."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat


class UploadForm(forms.Form):
    """An upload page's form: the size limit, not empty, and the extensions the format expects."""

    extensions: tuple[str, ...] = ()
    what = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; "
                f"the largest accepted is {filesizeformat(limit)}."
            )
        if upload.size == 0:
            raise forms.ValidationError("This file is empty.")
        if not upload.name.lower().endswith(self.extensions):
            raise forms.ValidationError(
                f"Choose {self.what} (a file ending in {' or '.join(self.extensions)})."
            )
        return upload
