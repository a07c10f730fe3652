"""A2, Oppgave 6: en tilfeldig deling av Bonn-vinduene (vindu for vindu), for å se lekkasjen mellom opptak."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A2.6"


@test_case(failure_message="i_train, i_val og i_test skal være vindusnumre som ikke overlapper: ingen vinduer i to deler.")
def disjoint(i_train, i_val, i_test):
    parts = [set(np.asarray(i).tolist()) for i in (i_train, i_val, i_test)]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])


@test_case(failure_message="Delene skal til sammen dekke alle vinduene (ett tall per vindu i source).")
def covers_all_windows(i_train, i_val, i_test, source):
    assert len(i_train) + len(i_val) + len(i_test) == len(source)


@test_case(failure_message="Ingen opptak finnes på begge sider, så delingen er gruppert per opptak. Denne oppgaven "
                           "skal vise lekkasjen: del vindu for vindu (splits.train_val_test på vinduene), uten grupper.")
def recordings_on_both_sides(i_train, i_test, source):
    source = np.asarray(source)
    assert len(set(source[np.asarray(i_train)]) & set(source[np.asarray(i_test)])) > 0
