from django.urls import path

from practice import job_views

# Under studios/<studio_code>/jobs/: background jobs of the studio (practice/jobs.py).
urlpatterns = [
    path("<uuid:job_code>/", job_views.job_detail, name="job_detail"),
    path("<uuid:job_code>/download/", job_views.job_download, name="job_download"),
    path("<uuid:job_code>/retry/", job_views.job_retry, name="job_retry"),
]
