"""C4a, oppgave 2: hvor sitter parametrene i den egne ViT-en?"""

from otter.test_files import test_case

name = "C4a.2"
OTTER_OK = False


@test_case(failure_message="Gå gjennom own_vit.named_parameters() og legg hvert parameters antall i én av fire grupper.")
def test_vit_groups(groups, own_vit):
    assert isinstance(groups, dict) and len(groups) == 4, (
        "groups skal være en ordbok med fire grupper: patch-innbygging, [CLS] + posisjon, blokker, norm + hode.")
    total = sum(p.numel() for p in own_vit.parameters())
    counted = sum(int(v) for v in groups.values())
    assert counted == total, (
        "Summen over gruppene er ikke antallet parametre i modellen: hver parameter skal telles i nøyaktig én gruppe.")
    assert max(groups.values()) > total / 2, (
        "Ingen gruppe har over halvparten av parametrene. Sjekk hvilken gruppe hvert navn hører til (blocks.*).")
