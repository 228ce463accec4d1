package org.vmlab.cpu.paravirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.cpu.paravirt.EventChannels.Interdomain;
import org.vmlab.cpu.paravirt.EventChannels.Pirq;
import org.vmlab.cpu.paravirt.EventChannels.Unbound;
import org.vmlab.cpu.paravirt.EventChannels.Virq;
import org.vmlab.vmm.Errno;

/** The event-channel table: ports 1..31, what each is bound to, and each command's errors. */
class EventChannelsTest {
    private static final int SELF = XenAbi.DOMID_SELF;

    private final EventChannels channels = new EventChannels();

    @Test
    void portsAreHandedOutFromOneAndPortZeroNever() {
        assertThat(channels.allocUnbound(SELF, SELF)).isEqualTo(1);
        assertThat(channels.bindVirq(XenAbi.VIRQ_TIMER, 0)).isEqualTo(2);
        assertThat(channels.bindPirq(3)).isEqualTo(3);
        assertThat(channels.binding(0)).isNull();
        assertThat(channels.binding(1)).isEqualTo(new Unbound(SELF));
        assertThat(channels.binding(2)).isEqualTo(new Virq(XenAbi.VIRQ_TIMER));
        assertThat(channels.binding(3)).isEqualTo(new Pirq(3));
        assertThat(channels.portOfVirq(XenAbi.VIRQ_TIMER)).isEqualTo(2);
        assertThat(channels.portOfPirq(3)).isEqualTo(3);
        assertThat(channels.portOfPirq(4)).isZero();
    }

    @Test
    void allocUnboundNamesNoDomainButThisOne() {
        assertThat(channels.allocUnbound(0, SELF)).isEqualTo(-Errno.ESRCH);
        assertThat(channels.allocUnbound(SELF, 1)).isEqualTo(-Errno.ESRCH);
        assertThat(channels.freePort()).as("nothing allocated").isEqualTo(1);
    }

    @Test
    void bindInterdomainConnectsBothEndsOfALoopback() {
        int a = channels.allocUnbound(SELF, SELF);
        int b = channels.bindInterdomain(SELF, a);

        assertThat(channels.binding(a)).isEqualTo(new Interdomain(SELF, b));
        assertThat(channels.binding(b)).isEqualTo(new Interdomain(SELF, a));
        assertThat(channels.send(a)).as("send on a raises on b").isEqualTo(b);
        assertThat(channels.send(b)).isEqualTo(a);
    }

    @Test
    void bindInterdomainWantsAnUnboundPortWaitingForThisDomain() {
        int virq = channels.bindVirq(XenAbi.VIRQ_CONSOLE, 0);
        int forDomainZero = channels.allocUnboundFor(0);
        int a = channels.allocUnbound(SELF, SELF);

        assertThat(channels.bindInterdomain(3, a)).isEqualTo(-Errno.ESRCH);
        assertThat(channels.bindInterdomain(SELF, virq)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindInterdomain(SELF, forDomainZero)).as("waiting for another domain").isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindInterdomain(SELF, 20)).as("free").isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindInterdomain(SELF, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindInterdomain(SELF, 32)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindInterdomain(SELF, -1)).isEqualTo(-Errno.EINVAL);
        int b = channels.bindInterdomain(SELF, a);
        assertThat(channels.bindInterdomain(SELF, a)).as("connected already").isEqualTo(-Errno.EINVAL);
        assertThat(channels.binding(b)).isEqualTo(new Interdomain(SELF, a));
    }

    @Test
    void bindVirqKnowsTheTimerAndTheConsoleOnVcpuZeroOnceEach() {
        assertThat(channels.bindVirq(1, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindVirq(-1, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindVirq(24, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindVirq(XenAbi.VIRQ_TIMER, 1)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindVirq(XenAbi.VIRQ_TIMER, 0)).isEqualTo(1);
        assertThat(channels.bindVirq(XenAbi.VIRQ_TIMER, 0)).isEqualTo(-Errno.EEXIST);
    }

    @Test
    void bindPirqKnowsTheControllersEightLinesOnceEach() {
        assertThat(channels.bindPirq(8)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindPirq(-1)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.bindPirq(7)).isEqualTo(1);
        assertThat(channels.bindPirq(7)).isEqualTo(-Errno.EEXIST);
    }

    @Test
    void closeFreesAPortAndSendsTheOtherEndOfAChannelBackToUnbound() {
        int a = channels.allocUnbound(SELF, SELF);
        int b = channels.bindInterdomain(SELF, a);
        int timer = channels.bindVirq(XenAbi.VIRQ_TIMER, 0);

        assertThat(channels.close(b)).isZero();
        assertThat(channels.binding(b)).isNull();
        assertThat(channels.binding(a)).isEqualTo(new Unbound(SELF));
        assertThat(channels.close(b)).as("not in use").isEqualTo(-Errno.EINVAL);
        assertThat(channels.close(timer)).isZero();
        assertThat(channels.bindVirq(XenAbi.VIRQ_TIMER, 0)).as("bindable again, on the lowest free port").isEqualTo(b);
        assertThat(channels.close(0)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.close(31)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.close(32)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.close(Integer.MIN_VALUE)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void sendGoesToTheOtherEndDoesNothingUnboundAndIsRefusedOnIrqPortsAndPortsNotInUse() {
        int unbound = channels.allocUnbound(SELF, SELF);
        int virq = channels.bindVirq(XenAbi.VIRQ_TIMER, 0);
        int pirq = channels.bindPirq(2);

        assertThat(channels.send(unbound)).isZero();
        assertThat(channels.send(virq)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.send(pirq)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.send(20)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.send(0)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.send(64)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void thirtyOnePortsAndNoMore() {
        for (int port = 1; port < EventChannels.PORTS; port++) {
            assertThat(channels.allocUnbound(SELF, SELF)).isEqualTo(port);
        }
        assertThat(channels.allocUnbound(SELF, SELF)).isEqualTo(-Errno.ENOSPC);
        assertThat(channels.bindVirq(XenAbi.VIRQ_TIMER, 0)).isEqualTo(-Errno.ENOSPC);
        assertThat(channels.bindPirq(0)).isEqualTo(-Errno.ENOSPC);
        assertThat(channels.bindInterdomain(SELF, 1)).isEqualTo(-Errno.ENOSPC);
        assertThat(channels.binding(1)).as("left as it was").isEqualTo(new Unbound(SELF));
        assertThat(channels.freePort()).isEqualTo(-Errno.ENOSPC);
    }

    @Test
    void aPortMayWaitForDomainZeroWhereTheBackEndsRunAndABackEndConnectsToItOnly() {
        int[] notified = {0};
        Runnable backEnd = () -> notified[0]++;
        int forBackEnd = channels.allocUnbound(SELF, XenAbi.DOMID_BACKEND);
        int loopback = channels.allocUnbound(SELF, SELF);

        assertThat(channels.binding(forBackEnd)).isEqualTo(new Unbound(0));
        assertThat(channels.bindInterdomain(SELF, forBackEnd)).as("not for this domain").isEqualTo(-Errno.EINVAL);
        assertThat(channels.connectBackend(loopback, backEnd)).isEqualTo(-Errno.EINVAL);
        assertThat(channels.connectBackend(30, backEnd)).as("free").isEqualTo(-Errno.EINVAL);
        assertThat(channels.connectBackend(forBackEnd, backEnd)).isZero();
        assertThat(channels.binding(forBackEnd)).isEqualTo(new EventChannels.Backend(backEnd));
        assertThat(channels.connectBackend(forBackEnd, backEnd)).as("connected already").isEqualTo(-Errno.EINVAL);
        assertThat(channels.send(forBackEnd)).as("nothing to raise in this domain").isZero();
        assertThat(channels.close(forBackEnd)).isZero();
        assertThat(channels.inUse(forBackEnd)).isFalse();
    }
}
