package org.vmlab.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vmlab.device.emulated.EmulatedDevices;
import org.vmlab.vmm.CostModelDocs;
import org.vmlab.vmm.CoreEvent;
import org.vmlab.vmm.Hosting;

/** The device models' own events: declared by the models, documented with their sources. */
class DeviceEventTest {

    @Test
    void emulatedDevicesDeclareThem() {
        assertThat(new EmulatedDevices(Hosting.HOSTED).events()).containsExactlyElementsOf(DeviceEvent.ALL);
    }

    @Test
    void docsCostModelMdCitesEachWithItsDefaultCost() {
        CostModelDocs.assertDocumented(DeviceEvent.ALL);
    }

    @Test
    void aTripToTheDriverDomainIsTwoWorldSwitches() {
        assertThat(DeviceEvent.DRIVER_DOMAIN_SWITCH.defaultCycles()).isEqualTo(2 * CoreEvent.WORLD_SWITCH.defaultCycles());
    }

    @Test
    void eachHostingModelTripsToItsOwnPlace() {
        assertThat(new HostSide(Hosting.BARE_METAL).tripEvent()).isEqualTo(DeviceEvent.DRIVER_DOMAIN_SWITCH);
        assertThat(new HostSide(Hosting.HOSTED).tripEvent()).isEqualTo(DeviceEvent.HOST_PROCESS_SWITCH);
        assertThat(new HostSide(Hosting.BARE_METAL).place()).isEqualTo("driver domain");
        assertThat(new HostSide(Hosting.HOSTED).place()).isEqualTo("host process");
    }
}
