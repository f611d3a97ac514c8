"""Forms of the communes app: the register of the province's other state bodies."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import Body, District, Province
from core.forms import BootstrapMixin, DateInput


class BodyForm(BootstrapMixin, forms.ModelForm):
    """A state administrative body the Sở answers for (QĐ 19/2014 Art. 2.1) and its QMS status."""

    class Meta:
        model = Body
        fields = [
            "province",
            "name",
            "level",
            "parent",
            "district",
            "valid_from",
            "valid_until",
            "applying_since",
            "edition",
            "announced_on",
            "note",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "applying_since": DateInput(),
            "announced_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = Province.objects.in_territory()
        self.fields["province"].queryset = provinces
        self.fields["parent"].queryset = Body.objects.filter(province__in=provinces)
        self.fields["district"].queryset = District.objects.filter(province__in=provinces)
        current = provinces.current()
        if not self.is_bound and self.instance.pk is None and len(current) == 1:
            self.initial.setdefault("province", current[0].pk)

    def clean(self):
        data = super().clean()
        level, parent = data.get("level"), data.get("parent")
        if level == Body.Level.SUB_DEPARTMENT and parent is None:
            self.add_error("parent", _("A sub-department belongs to a department: choose it."))
        if parent is not None and self.instance.pk and parent.pk == self.instance.pk:
            self.add_error("parent", _("A body cannot be under itself."))
        if level == Body.Level.PROVINCIAL and data.get("district"):
            self.add_error("district", _("A provincial body belongs to no district."))
        province = data.get("province")
        for name in ("parent", "district"):
            other = data.get(name)
            if other is not None and province is not None and other.province_id != province.pk:
                self.add_error(name, _("It is in another province."))
        applying, announced = data.get("applying_since"), data.get("announced_on")
        if announced and not applying:
            self.add_error(
                "applying_since",
                _("A body that announced its QMS applies it: enter the day it began applying."),
            )
        elif announced and applying and announced < applying:
            self.add_error(
                "announced_on",
                _("The announcement comes after the QMS is applied (QĐ 19/2014 Art. 4)."),
            )
        if announced and not data.get("edition"):
            self.add_error("edition", _("Enter the edition of TCVN ISO 9001 announced."))
        return data
