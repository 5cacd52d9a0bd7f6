# The City's own figure fields give way to its key figures (0004, 0005 moved their values).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_move_city_figures_into_key_figures'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='city',
            name='city_foreign_born_share_is_a_percentage',
        ),
        migrations.RemoveField(
            model_name='city',
            name='foreign_born_share',
        ),
        migrations.RemoveField(
            model_name='city',
            name='population',
        ),
        migrations.RemoveField(
            model_name='city',
            name='population_year',
        ),
    ]
