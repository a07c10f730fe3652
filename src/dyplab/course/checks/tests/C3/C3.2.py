"""C3, oppgave 2: balansert nøyaktighet med 95 % bootstrap-intervall (regnestykket, ikke hvor høyt tallet er)."""

from numbers import Real

from otter.test_files import test_case

name = "C3.2"
OTTER_OK = False


@test_case(failure_message="Balansert nøyaktighet er snittet av sensitiviteten per klasse; intervallet skal inneholde anslaget.")
def test_balanced_accuracy(bal, blo, bhi, y_true, y_pred):
    from dyplab import metrics

    for label, value in (("bal", bal), ("blo", blo), ("bhi", bhi)):
        assert isinstance(value, Real) and 0.0 <= value <= 1.0, f"{label} skal være et tall mellom 0 og 1."
    expected = metrics.balanced_accuracy(y_true, y_pred)
    if abs(bal - expected) > 1e-9:
        plain = abs(bal - metrics.accuracy(y_true, y_pred)) < 1e-9
        raise AssertionError("bal er vanlig nøyaktighet. Balansert nøyaktighet tar snittet av sensitiviteten i hver "
                             "klasse." if plain else "bal er ikke balansert nøyaktighet for y_true og y_pred.")
    assert blo <= bal <= bhi and blo < bhi, "Intervallet (blo, bhi) skal ha nedre < øvre grense og inneholde bal."
