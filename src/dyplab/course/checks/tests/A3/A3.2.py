"""A3, Oppgave 2: de samme bildene som desimaltall (delt på 255) i CSV, mot heltall i CSV."""

from otter.test_files import test_case

OTTER_OK = False
name = "A3.2"


@test_case(failure_message="size_int og size_decimal skal være filstørrelsene i byte (for eksempel "
                           "(RESULTS / 'desimal.csv').stat().st_size), begge større enn 0.")
def sizes_in_bytes(size_int, size_decimal):
    assert int(size_int) == size_int > 0 and int(size_decimal) == size_decimal > 0


@test_case(failure_message="Desimal-CSV-en er ikke større enn heltalls-CSV-en: har du delt pikselkolonnene på 255 "
                           "(og ikke etiketten) før du lagret, og sammenlignet de samme bildene?")
def decimals_are_larger(size_int, size_decimal):
    assert size_decimal > 1.5 * size_int
