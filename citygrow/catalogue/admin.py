from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.models import ContextFactor, GuideQuestion, KeyFactor, Term, Theme, Toolkit
from citygrow.catalogue.services import (
    load_toolkit,
    read_toolkit_text,
    refresh_fingerprint,
)
from citygrow.catalogue.toolkit_file import ToolkitFileError, dump_toolkit

MAX_UPLOAD_BYTES = 2_000_000


class ToolkitUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Toolkit file (YAML)"),
        help_text=_("A toolkit file as described in docs/toolkit-format.md."),
    )
    replace = forms.BooleanField(
        label=_("Replace the stored edition if its content differs"), required=False
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large for a toolkit (over 2 MB)."))
        return upload


class RaisesVersions(admin.ModelAdmin):
    """Admin edits raise the version of what they change, like edits on the pages do, so a save
    on the authoring pages made over an admin edit is a conflict, not a silent overwrite."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and form.has_changed() and hasattr(obj, "version"):
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline in formset.forms:
            item = inline.instance
            if item.pk and inline.has_changed() and hasattr(item, "version"):
                item.version += 1
        super().save_formset(request, form, formset, change)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "title"]


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


class KeyFactorInline(admin.StackedInline):
    model = KeyFactor
    extra = 0
    show_change_link = True
    fields = ["position", "heading", "summary", "why"]


class ContextFactorInline(admin.TabularInline):
    model = ContextFactor
    extra = 0


@admin.register(Toolkit)
class ToolkitAdmin(RaisesVersions):
    list_display = ["__str__", "status", "loaded_at"]
    list_filter = ["status", "theme"]
    list_select_related = ["theme"]
    readonly_fields = ["content_hash", "loaded_at"]
    inlines = [TermInline, KeyFactorInline, ContextFactorInline]
    actions = ["export_yaml", "export_json"]
    change_list_template = "admin/catalogue/toolkit/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        upload = path(
            "load/",
            self.admin_site.admin_view(self.load_file_view),
            name="catalogue_toolkit_load",
        )
        return [upload, *super().get_urls()]

    def load_file_view(self, request: HttpRequest) -> HttpResponse:
        """Check and load an uploaded toolkit file; a file with problems loads nothing."""
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = ToolkitUploadForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = upload.read().decode("utf-8")
                document = read_toolkit_text(text, source=upload.name)
                result = load_toolkit(
                    document=document, source=upload.name, replace=form.cleaned_data["replace"]
                )
            except UnicodeDecodeError:
                problems = [f"{upload.name}: the file is not UTF-8 text"]
            except ToolkitFileError as error:
                problems = [str(problem) for problem in error.problems]
            else:
                self.message_user(request, f"{upload.name}: {result}", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:catalogue_toolkit_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Load a toolkit file"),
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/catalogue/toolkit/load.html", context)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: object, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        refresh_fingerprint(form.instance)

    def _export(
        self, request: HttpRequest, queryset: QuerySet[Toolkit], fmt: str
    ) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Select one toolkit edition to export."), messages.WARNING)
            return None
        toolkit = queryset.with_content().get()
        response = HttpResponse(
            dump_toolkit(toolkit.as_data(), fmt=fmt), content_type=f"application/{fmt}"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{toolkit.theme.code}-{toolkit.year}.{fmt}"'
        )
        return response

    @admin.action(description=_("Export the selected edition as a YAML toolkit file"))
    def export_yaml(self, request: HttpRequest, queryset: QuerySet[Toolkit]) -> HttpResponse | None:
        return self._export(request, queryset, "yaml")

    @admin.action(description=_("Export the selected edition as JSON"))
    def export_json(self, request: HttpRequest, queryset: QuerySet[Toolkit]) -> HttpResponse | None:
        return self._export(request, queryset, "json")


class GuideQuestionInline(admin.TabularInline):
    model = GuideQuestion
    extra = 0


@admin.register(KeyFactor)
class KeyFactorAdmin(RaisesVersions):
    list_display = ["__str__", "toolkit"]
    list_filter = ["toolkit"]
    list_select_related = ["toolkit__theme"]
    inlines = [GuideQuestionInline]

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: object, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        refresh_fingerprint(form.instance.toolkit)
