"""C1, oppgave 2: en egen bildemappe med to klasser og en ødelagt fil, skannet med images.scan."""

from pathlib import Path

from otter.test_files import test_case

name = "C1.2"
OTTER_OK = False


@test_case(failure_message="Lag en mappe med to klassemapper og en ødelagt fil, og skann den med images.scan.")
def test_own_folder(folder, mine):
    from dyplab.data.images import IMAGE_EXTENSIONS
    from dyplab.data.labeled import LabeledData

    folder = Path(folder)
    assert folder.is_dir(), "folder skal være mappen du laget."
    assert isinstance(mine, LabeledData), "mine skal være det images.scan(folder) gir tilbake."
    assert mine.n_classes == 2, f"Mappen skal ha to klasser (to undermapper); skannet fant {mine.n_classes}."
    paths = {Path(p).resolve() for p in mine.X}
    assert all(folder.resolve() in p.parents for p in paths), "mine kommer ikke fra folder: skann din egen mappe."
    files = {p.resolve() for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS}
    assert files - paths, (
        "Alle filene i mappen ble med, så ingen av dem var ødelagt. Legg til en fil med bildeendelse som ikke er et "
        "bilde, og se hva scan sier.")
