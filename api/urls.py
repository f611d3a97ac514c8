from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from api import docs, views, views_inspections, views_national, views_tokens
from api.problems import not_found

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("units", views.UnitViewSet, basename="unit")
router.register("procedures", views.ProcedureViewSet, basename="procedure")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("audits", views.AuditViewSet, basename="audit")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("corrective-actions", views.CorrectiveActionViewSet, basename="action")
router.register("announcements", views.AnnouncementViewSet, basename="announcement")
router.register(
    "inspection-plans", views_inspections.InspectionPlanViewSet, basename="inspectionplan"
)
router.register(
    "planned-inspections", views_inspections.PlannedInspectionViewSet, basename="plannedinspection"
)

urlpatterns = [
    path("account/api-tokens/", views_tokens.token_list, name="token_list"),
    path("account/api-tokens/<int:pk>/revoke/", views_tokens.token_revoke, name="token_revoke"),
    path("national-figures/", views_national.national_figures, name="national_figures"),
    path("api/v1/openapi.json", docs.SchemaView.as_view(), name="schema"),
    path("api/v1/docs/", docs.DocsView.as_view(), name="docs"),
    path("api/v1/figures/", views.FiguresView.as_view(), name="figures"),
    path("api/v1/figures/<int:year>/", views.YearFiguresView.as_view(), name="year_figures"),
    path(
        "api/v1/evidence/<int:pk>/download/",
        views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path("api/v1/notifications/", views.NotificationsView.as_view(), name="notifications"),
    path("api/v1/", include(router.urls)),
    # Anything else under /api/: a problem (404), not the HTML page.
    re_path(r"^api/", not_found, name="not_found"),
]
