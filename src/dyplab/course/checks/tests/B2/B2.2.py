"""B2, oppgave 2: den største læringsraten som konvergerer på skålen f(x, y) = (x-2)² + 2(y-1)² + 1."""

from numbers import Real

from otter.test_files import test_case

name = "B2.2"
OTTER_OK = False


@test_case(failure_message="Se på retningen der skålen er brattest, og hva ett steg gjør med avstanden der.")
def test_largest_rate(lr_max):
    assert isinstance(lr_max, Real) and not isinstance(lr_max, bool), "lr_max skal være ett tall."
    assert abs(lr_max - 1.0) > 1e-6, (
        "Det er grensen i x-retningen. Skålen er brattere i y-retningen, og den bestemmer grensen.")
    assert lr_max <= 0.5 + 1e-9, (
        "Med denne læringsraten vokser avstanden til minimum i y-retningen: gradientnedstigningen divergerer. "
        "Prøv den i gd.gradient_descent og se på y-koordinaten.")
    assert lr_max >= 0.45, (
        "Denne læringsraten konvergerer, men det finnes større som også gjør det. Regn ut faktoren ett steg "
        "ganger avstanden i y-retningen med.")
