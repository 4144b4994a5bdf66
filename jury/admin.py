from django.contrib import admin

from .models import Jurymitglied


@admin.register(Jurymitglied)
class JurymitgliedAdmin(admin.ModelAdmin):
    list_display = ("user", "quartier", "beginn", "ende")
    list_filter = ("quartier",)
