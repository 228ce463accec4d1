package org.vmlab.device.split;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.device.DeviceEvent;
import org.vmlab.labs.lab5.SplitRingRules;
import org.vmlab.machine.device.BlockDevice;
import org.vmlab.machine.device.IoBus;
import org.vmlab.machine.device.NetworkInterface;
import org.vmlab.vmm.Hosting;

/** The technique {@code split}: its name, that its guest must be paravirtual, and where its back ends run. */
class SplitTechniqueTest {
    @Test
    void itIsSplitForAParavirtualGuestWithTheDeviceModelsEvents() {
        org.vmlab.labs.lab5.SplitTechnique technique = new org.vmlab.labs.lab5.SplitTechnique();

        assertThat(technique.name()).isEqualTo("split");
        assertThat(technique.paravirtual()).isTrue();
        SplitDrivers drivers = (SplitDrivers) technique.create(Hosting.HOSTED);
        assertThat(drivers.name()).isEqualTo("split");
        assertThat(drivers.hosting()).isEqualTo(Hosting.HOSTED);
        assertThat(drivers.events()).isEqualTo(DeviceEvent.ALL);
    }

    @Test
    void hostedBackEndsCostATripToTheHostProcess() {
        SplitVm split = new SplitVm(org.vmlab.machine.device.DeviceConfig.defaults(), new SplitRingRules(),
                Hosting.HOSTED);
        BlockFrontEnd front = new BlockFrontEnd(split, 4);
        front.connect();
        split.channels.send(BlockFrontEnd.PORT);

        assertThat(split.vm.counters().events(DeviceEvent.HOST_PROCESS_SWITCH)).isEqualTo(1);
        assertThat(split.vm.counters().events(DeviceEvent.DRIVER_DOMAIN_SWITCH)).isZero();
    }

    @Test
    void theBackEndsPrivateMemoryHoldsAWholeRequestAndTheInterfacesRingsAndBuffers() {
        int request = SplitAbi.BLKIF_MAX_SEGMENTS * SplitAbi.PAGE_SIZE;
        assertThat(SplitDrivers.DISK_BUFFER + request).isLessThanOrEqualTo(SplitDrivers.NIC_TX_RING);
        assertThat(SplitDrivers.NIC_RX_RING).isGreaterThanOrEqualTo(SplitDrivers.NIC_TX_RING + SplitDrivers.NIC_RING * 16);
        assertThat(SplitDrivers.NIC_TX_BUFFERS).isGreaterThanOrEqualTo(SplitDrivers.NIC_RX_RING + SplitDrivers.NIC_RING * 16);
        assertThat(SplitDrivers.NIC_RX_BUFFERS + SplitDrivers.NIC_RING * SplitDrivers.NIC_BUFFER)
                .isLessThanOrEqualTo(SplitDrivers.PRIVATE_MEMORY);
        assertThat(SplitDrivers.NIC_BUFFER).isGreaterThanOrEqualTo(SplitAbi.NET_MAX_FRAME);
    }

    @Test
    void theGuestNoLongerFindsTheDevicesTheBackEndsTook() {
        SplitVm split = new SplitVm();
        BlockDevice disk = split.vm.devices().standard().disk();

        split.vm.devices().io().out(BlockDevice.BASE + 1, 1);   // the guest's own request, by port
        split.vm.devices().io().out(BlockDevice.BASE + 3, BlockDevice.COMMAND_READ);

        assertThat(split.vm.devices().io().in(BlockDevice.BASE + 5)).as("the disk's capacity port").isEqualTo(IoBus.FLOATING);
        assertThat(split.vm.devices().mmio().read(NetworkInterface.BASE + NetworkInterface.IMS)).isEqualTo(IoBus.FLOATING);
        assertThat(disk.status()).as("the disk never saw the guest's command").isZero();
        assertThat(disk.in(5)).as("the back end still reaches it").isEqualTo(disk.capacity());
    }
}
