"""
Static files finder that hides the rich-text editor's demo and test pages.

CKEditor 4 ships HTML pages (plugin tests, samples, a preview page) that are
not needed to edit and have been the target of XSS reports. Filtering them in
the finder keeps them out of both ``collectstatic`` and the development server.
"""

from fnmatch import fnmatch

from django.contrib.staticfiles import finders

HIDDEN_PATTERNS = [
    "ckeditor/ckeditor/samples/*",
    "ckeditor/ckeditor/plugins/*/tests/*",
    "ckeditor/ckeditor/plugins/preview/*",
    "ckeditor/ckeditor/plugins/wsc/*",
    "ckeditor/ckeditor/plugins/exportpdf/*",
    "ckeditor/ckeditor/*.md",
    "ckeditor/ckeditor/bender-runner.config.json",
    "ckeditor/ckeditor/build-config.js",
    "ckeditor/galleriffic/*",
    "ckeditor/file-icons/*",
]


def is_hidden(path):
    path = path.replace("\\", "/")
    return any(fnmatch(path, pattern) for pattern in HIDDEN_PATTERNS)


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    def find(self, path, find_all=False, **kwargs):
        if is_hidden(path):
            return []
        return super().find(path, find_all=find_all, **kwargs)

    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            if not is_hidden(path):
                yield path, storage
