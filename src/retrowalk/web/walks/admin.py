from django.contrib import admin

from retrowalk.web.walks.models import Route, WalkPlan, WalkSession

admin.site.register(Route)
admin.site.register(WalkPlan)
admin.site.register(WalkSession)
