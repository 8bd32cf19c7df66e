package org.securemail.common.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AdmissionGateTest {

    @Test
    void weightedRequestsWaitUntilTheyFitInArrivalOrder() {
        AdmissionGate gate = new AdmissionGate(10);
        AtomicInteger granted = new AtomicInteger();
        gate.acquire(6).subscribe().with(v -> granted.incrementAndGet());
        gate.acquire(6).subscribe().with(v -> granted.incrementAndGet());
        gate.acquire(1).subscribe().with(v -> granted.incrementAndGet()); // behind the 6: no overtaking
        assertThat(granted).hasValue(1);
        assertThat(gate.inUse()).isEqualTo(6);
        gate.release(6);
        assertThat(granted).hasValue(3);
        assertThat(gate.inUse()).isEqualTo(7);
    }

    @Test
    void aRequestLargerThanTheGateIsGrantedAloneNeverStuck() {
        AdmissionGate gate = new AdmissionGate(10);
        AtomicInteger granted = new AtomicInteger();
        gate.acquire(2).subscribe().with(v -> granted.incrementAndGet());
        gate.acquire(50).subscribe().with(v -> granted.incrementAndGet());
        assertThat(granted).hasValue(1);
        gate.release(2);
        assertThat(granted).hasValue(2);
        assertThat(gate.inUse()).isEqualTo(50);
    }

    @Test
    void singlePermitsStillBoundTheCountAndAClosedGateGrantsNothing() {
        AdmissionGate gate = new AdmissionGate(2);
        AtomicInteger granted = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            gate.acquire().subscribe().with(v -> granted.incrementAndGet());
        }
        assertThat(granted).hasValue(2);
        gate.close();
        gate.release();
        assertThat(granted).hasValue(2);
    }
}
