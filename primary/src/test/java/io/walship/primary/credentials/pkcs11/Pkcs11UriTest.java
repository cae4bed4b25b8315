package io.walship.primary.credentials.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 7512 URIs as walship reads them: what selects token and key, where the PIN comes from, what is refused. */
class Pkcs11UriTest {
    private static final String MODULE = "?module-path=/usr/lib/libtoken.so";

    @TempDir
    Path dir;

    @Test
    void pathAttributesSelectTokenAndKeyAndArePercentDecoded() {
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:token=My%20Token;manufacturer=ACME;serial=0042;model=T1;slot-id=3;"
                + "object=device%2Dkey;id=%01%a2;type=private" + MODULE + "&pin-value=12%2634");
        assertThat(u.token()).isEqualTo("My Token");
        assertThat(u.manufacturer()).isEqualTo("ACME");
        assertThat(u.serial()).isEqualTo("0042");
        assertThat(u.model()).isEqualTo("T1");
        assertThat(u.slotId()).isEqualTo(3L);
        assertThat(u.object()).isEqualTo("device-key");
        assertThat(u.id()).containsExactly(0x01, 0xa2);
        assertThat(u.modulePath()).isEqualTo(Path.of("/usr/lib/libtoken.so"));
        assertThat(u.pinValue()).isEqualTo("12&34");
        assertThat(u.keyName()).isEqualTo("object=device-key;id=%01%a2");
        assertThat(u.tokenName()).isEqualTo("token=My Token;manufacturer=ACME;serial=0042;model=T1;slot-id=3");
        assertThat(u.initArgs()).isNull();
    }

    @Test
    void leftOutAttributesMatchAnything() {
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:" + MODULE);
        assertThat(u.keyName()).isEqualTo("any private key");
        assertThat(u.tokenName()).isEqualTo("any token");
        assertThat(new TokenInfo(7, "t", "m", "model", "s").matches(u)).isTrue();
        Pkcs11Uri labelled = Pkcs11Uri.parse("pkcs11:token=t;serial=s" + MODULE);
        assertThat(new TokenInfo(7, "t", "m", "model", "s").matches(labelled)).isTrue();
        assertThat(new TokenInfo(7, "t", "m", "model", "other").matches(labelled)).isFalse();
    }

    @Test
    void aPinSourceFileIsReadWithoutItsLineBreak() throws Exception {
        Path pin = dir.resolve("pin");
        Files.writeString(pin, "s3cret\n");
        assertThat(Pkcs11Uri.parse("pkcs11:object=k" + MODULE + "&pin-source=" + pin).pin()).containsExactly("s3cret".toCharArray());
        assertThat(Pkcs11Uri.parse("pkcs11:object=k" + MODULE + "&pin-source=file://" + pin).pin()).containsExactly("s3cret".toCharArray());
        assertThat(Pkcs11Uri.parse("pkcs11:object=k" + MODULE).pin()).isNull();
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:object=k" + MODULE + "&pin-source=" + dir.resolve("none")).pin())
                .hasMessageStartingWith("cannot read pin-source " + dir.resolve("none") + ": NoSuchFileException");
    }

    @Test
    void nssDatabasesBecomeSoftoknInitialisationArguments() {
        assertThat(Pkcs11Uri.parse("pkcs11:" + MODULE + "&x-nss-db=/etc/walship/nssdb").initArgs())
                .isEqualTo("configdir='sql:/etc/walship/nssdb' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly");
    }

    @Test
    void thePinValueIsMaskedForMessages() {
        assertThat(Pkcs11Uri.redact("pkcs11:object=k?pin-value=1234&module-path=/m.so"))
                .isEqualTo("pkcs11:object=k?pin-value=***&module-path=/m.so");
        assertThat(Pkcs11Uri.redact("pkcs11:object=k?module-path=/m.so&pin-value=1234"))
                .isEqualTo("pkcs11:object=k?module-path=/m.so&pin-value=***");
        assertThat(Pkcs11Uri.parse("pkcs11:object=k" + MODULE + "&pin-value=1234").toString())
                .isEqualTo("pkcs11:any token;object=k?module-path=/usr/lib/libtoken.so").doesNotContain("1234");
    }

    @Test
    void malformedOrLooserUrisAreRefusedWithoutShowingThePin() {
        assertThatThrownBy(() -> Pkcs11Uri.parse("/etc/key.pem")).hasMessage("a PKCS#11 URI starts with \"pkcs11:\"");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:object=k")).hasMessageStartingWith("module-path=… is required");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:object=k?module-path=libtoken.so"))
                .hasMessage("module-path must be an absolute path");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:object=k;library-version=1" + MODULE))
                .hasMessageStartingWith("unsupported attribute library-version (walship knows token, manufacturer,");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:object=k" + MODULE + "&module-name=p11"))
                .hasMessageStartingWith("unsupported attribute module-name");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:object=k;object=j" + MODULE)).hasMessage("object is given twice");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:object=k;type=cert" + MODULE))
                .hasMessage("type=cert names no private key; use type=private or leave it out");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:slot-id=two" + MODULE))
                .hasMessage("slot-id must be a decimal number, not \"two\"");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:object=k" + MODULE + "&pin-value=1&pin-source=/p"))
                .hasMessage("give pin-value or pin-source, not both");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:object=k" + MODULE + "&pin-value=12%G4"))
                .hasMessage("bad percent-encoding in pin-value");
        assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:object=k" + MODULE + "&pin-value1234"))
                .hasMessage("\"pin-value\" is not an attribute (NAME=VALUE)");
    }
}
