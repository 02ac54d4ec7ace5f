"""The Splink (DuckDB) model both UK benchmarks use: `splink_generated.py` (queries against a
base) and `splink_dedupe.py` (one partner file deduplicated), so that the two measure the same
model.

Comparisons: first name and surname (Splink's name comparison: exact, Jaro-Winkler levels, with
term-frequency adjustment), date of birth, first address line (Jaro-Winkler), postcode (full,
sector, district, area), email and personal phone. Town and landline are left out: they move
with the address, and counting them again would penalise movers more. Prediction blocking (any
of): first name + surname, date of birth, postcode, email, phone. Training, without labels, as
Splink's documentation does it: the prior from deterministic rules, u by random sampling, m by
expectation-maximisation over two blocking rules (full name; date of birth).
"""

import splink.comparison_library as cl
from splink import SettingsCreator, block_on

MODEL_COLUMNS = ["unique_id", "first_name", "surname", "dob", "email", "phone", "address_1", "postcode"]


def settings(link_type: str) -> SettingsCreator:
    """The model's settings for `link_only` or `dedupe_only`."""
    return SettingsCreator(
        unique_id_column_name="unique_id",
        link_type=link_type,
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.PostcodeComparison("postcode"),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("dob"),
            block_on("postcode"),
            block_on("email"),
            block_on("phone"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def train(linker, u_pairs: float) -> None:
    """Trains the linker's model without labels."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("email")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
