from django.urls import path

from clients.views import records

urlpatterns = [
    path("audit/", records.audit_list, name="audit_list"),
    path("export/", records.studio_export, name="studio_export"),
    path("<uuid:client_code>/export/", records.client_export, name="client_export"),
    path("<uuid:client_code>/erase/", records.client_erase, name="client_erase"),
]
