package ai.factory.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code --device} values of the scorer and the trainer. */
class DeviceTest {

    @Test
    void devicesParse() {
        assertThat(Device.parse("cpu")).isEqualTo(Device.CPU);
        assertThat(Device.parse(" CPU ")).isEqualTo(Device.CPU);
        assertThat(Device.parse("CUDA")).isEqualTo(new Device(Device.Kind.CUDA, 0));
        assertThat(Device.parse("cuda:1")).isEqualTo(Device.cuda(1));
        assertThat(Device.parse("cuda:3").index()).isEqualTo(3);
        assertThat(Device.parse("cuda:3").isCuda()).isTrue();
        assertThat(Device.parse("cuda:3")).hasToString("cuda:3");
        assertThat(Device.parse("cuda:1").toString()).isEqualTo("cuda:1");
        assertThat(Device.CPU).hasToString("cpu");
    }

    @Test
    void badDevicesAreRefused() {
        assertThatThrownBy(() -> Device.parse("gpu")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Device.parse("tpu")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Device.parse("cuda:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Device.parse("cuda:-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Device(Device.Kind.CPU, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsTakeZeroThreadsAsAllCoresAndRefuseNegatives() {
        SessionSettings all = new SessionSettings(Device.CPU, 0, false);
        assertThat(all.intraOpThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(all.prepacking()).isTrue();
        assertThat(all.withoutPrepacking().prepacking()).isFalse();
        assertThat(all.withDevice(Device.cuda(1)).device()).isEqualTo(Device.cuda(1));
        assertThatThrownBy(() -> new SessionSettings(Device.CPU, -1, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
