package io.walship.primary.credentials.pkcs11;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The PKCS#11 calls SunPKCS11's public API lacks — listing the tokens of a module, finding a key object by label or
 * id — made through the JDK's own wrapper, {@code sun.security.pkcs11.wrapper} (unchanged from JDK 17 to 25). That
 * package is not exported, so the JVM needs {@value #EXPORT_OPTION}; {@code bin/walship} passes it.
 * <p>
 * A library is initialised once per process: the wrapper keeps one instance per path, and every SunPKCS11 provider
 * made later for the same path shares it. Hence the arguments of the first initialisation stay for good, and
 * another set for the same library is refused rather than silently ignored.
 */
final class Cryptoki {
    static final String EXPORT_OPTION = "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";
    private static final String WRAPPER = "sun.security.pkcs11.wrapper.";
    private static final long CKF_OS_LOCKING_OK = 0x2;
    private static final long CKF_SERIAL_SESSION = 0x4;
    private static final long CKA_CLASS = 0x0;
    private static final long CKA_TOKEN = 0x1;
    private static final long CKA_LABEL = 0x3;
    private static final long CKA_VALUE = 0x11;
    private static final long CKA_ID = 0x102;
    private static final long CKO_CERTIFICATE = 0x1;
    private static final long CKO_PRIVATE_KEY = 0x3;
    private static final Map<Path, Cryptoki> LOADED = new HashMap<>();

    private final Path library;
    private final String initArgs;
    private final Object p11;

    private Cryptoki(Path library, String initArgs, Object p11) {
        this.library = library;
        this.initArgs = initArgs;
        this.p11 = p11;
    }

    /** A key object on a token: its label (null if none) and CKA_ID (empty if none). */
    record KeyObject(String label, byte[] id) {
    }

    static synchronized Cryptoki load(Path library, String initArgs) throws IOException {
        Cryptoki loaded = LOADED.get(library);
        if (loaded != null) {
            if (!Objects.equals(loaded.initArgs, initArgs)) {
                throw new IOException("PKCS#11 module " + library + " is already loaded with other arguments"
                        + " (x-nss-db); one process can use it with one set only, restart walship to change it");
            }
            return loaded;
        }
        if (!Files.isRegularFile(library)) {
            throw new IOException("PKCS#11 module " + library + " not found");
        }
        Cryptoki c = new Cryptoki(library, initArgs, initialise(library, initArgs));
        LOADED.put(library, c);
        return c;
    }

    Path library() {
        return library;
    }

    List<Long> slotsWithTokens() throws IOException {
        long[] slots = (long[]) call(Api.get().getSlotList, p11, true);
        List<Long> out = new ArrayList<>();
        for (long s : slots) {
            out.add(s);
        }
        return out;
    }

    TokenInfo tokenInfo(long slot) throws IOException {
        Object info = call(Api.get().getTokenInfo, p11, slot);
        Api api = Api.get();
        return new TokenInfo(slot, utf8(field(api.label, info)), utf8(field(api.manufacturer, info)),
                utf8(field(api.model, info)), utf8(field(api.serial, info)));
    }

    /** Private keys on the token with this label and id (either may be null: any); visible only once logged in. */
    List<KeyObject> privateKeys(long slot, String label, byte[] id) throws IOException {
        List<Object> match = new ArrayList<>(List.of(template(CKA_CLASS, CKO_PRIVATE_KEY), template(CKA_TOKEN, true)));
        if (label != null) {
            match.add(template(CKA_LABEL, label.getBytes(StandardCharsets.UTF_8)));
        }
        if (id != null) {
            match.add(template(CKA_ID, id));
        }
        List<KeyObject> out = new ArrayList<>();
        try (Session s = new Session(slot)) {
            for (long handle : s.find(match)) {
                Object name = s.read(handle, CKA_LABEL);
                byte[] keyId = (byte[]) s.read(handle, CKA_ID);
                out.add(new KeyObject(name == null ? null : utf8((char[]) name), keyId == null ? new byte[0] : keyId));
            }
        }
        return out;
    }

    /** The DER encodings of the certificates on the token with this CKA_ID. */
    List<byte[]> certificates(long slot, byte[] id) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (Session s = new Session(slot)) {
            for (long handle : s.find(List.of(template(CKA_CLASS, CKO_CERTIFICATE), template(CKA_TOKEN, true),
                    template(CKA_ID, id)))) {
                out.add((byte[]) s.read(handle, CKA_VALUE));
            }
        }
        return out;
    }

    /** The PKCS#11 error name (CKR_…) when the failure came from the module, else the innermost message. */
    static String reason(Throwable e) {
        String innermost = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getName().equals(WRAPPER + "PKCS11Exception")) {
                return t.getMessage();
            }
            if (t.getMessage() != null) {
                innermost = t.getMessage().lines().findFirst().orElse("");
            }
        }
        return innermost;
    }

    private static Object initialise(Path library, String initArgs) throws IOException {
        Api api = Api.get();
        try {
            Object args = api.newInitArgs.invoke();
            api.setFlags.invoke(args, CKF_OS_LOCKING_OK);
            api.setReserved.invoke(args, (Object) initArgs);
            return api.getInstance.invoke(library.toString(), "C_GetFunctionList", args, false);
        } catch (Throwable e) {
            String why = reason(e);
            if (initArgs == null && library.getFileName().toString().contains("softokn")) {
                why += "; NSS's softokn needs its database directory: add x-nss-db=DIR";
            }
            throw new IOException("cannot load PKCS#11 module " + library + ": " + why, e);
        }
    }

    private final class Session implements AutoCloseable {
        private final long id;

        Session(long slot) throws IOException {
            this.id = (long) call(Api.get().openSession, p11, slot, CKF_SERIAL_SESSION, null, null);
        }

        List<Long> find(List<Object> template) throws IOException {
            Api api = Api.get();
            Object array = Array.newInstance(api.attribute, template.size());
            for (int i = 0; i < template.size(); i++) {
                Array.set(array, i, template.get(i));
            }
            call(api.findInit, p11, id, array);
            List<Long> out = new ArrayList<>();
            try {
                for (long[] batch; (batch = (long[]) call(api.find, p11, id, 16L)).length > 0; ) {
                    for (long h : batch) {
                        out.add(h);
                    }
                }
            } finally {
                call(api.findFinal, p11, id);
            }
            return out;
        }

        /** One attribute's value (byte[] or char[] as the wrapper types it), or null if the object has none. */
        Object read(long handle, long type) throws IOException {
            Api api = Api.get();
            Object array = Array.newInstance(api.attribute, 1);
            Array.set(array, 0, template(type));
            call(api.getAttributeValue, p11, id, handle, array);
            return field(api.value, Array.get(array, 0));
        }

        @Override
        public void close() throws IOException {
            call(Api.get().closeSession, p11, id);
        }
    }

    private static Object template(long type) throws IOException {
        return call(Api.get().newAttribute, type);
    }

    private static Object template(long type, Object value) throws IOException {
        Api api = Api.get();
        return call(value instanceof Boolean ? api.newBooleanAttribute : value instanceof Long ? api.newLongAttribute
                : api.newObjectAttribute, type, value);
    }

    private static Object field(MethodHandle getter, Object target) throws IOException {
        return call(getter, target);
    }

    private static Object call(MethodHandle h, Object... args) throws IOException {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(reason(e), e);
        }
    }

    /** Token strings are blank-padded UTF-8, handed over one byte per char. */
    private static String utf8(Object chars) {
        char[] c = (char[]) chars;
        byte[] b = new byte[c.length];
        for (int i = 0; i < c.length; i++) {
            b[i] = (byte) c[i];
        }
        return new String(b, StandardCharsets.UTF_8).replaceAll("[ \\x00]+$", "");
    }

    /** The wrapper's members, looked up once; fails with the JVM option to add when the package is not exported. */
    private static final class Api {
        private static Api instance;

        final Class<?> attribute;
        final MethodHandle getInstance, getSlotList, getTokenInfo, openSession, closeSession, findInit, find, findFinal,
                getAttributeValue, newInitArgs, setFlags, setReserved, newAttribute, newBooleanAttribute,
                newLongAttribute, newObjectAttribute, value, label, manufacturer, model, serial;

        private Api() throws ReflectiveOperationException {
            MethodHandles.Lookup l = MethodHandles.lookup();
            Class<?> p11 = Class.forName(WRAPPER + "PKCS11");
            Class<?> initArgs = Class.forName(WRAPPER + "CK_C_INITIALIZE_ARGS");
            Class<?> tokenInfo = Class.forName(WRAPPER + "CK_TOKEN_INFO");
            Class<?> notify = Class.forName(WRAPPER + "CK_NOTIFY");
            attribute = Class.forName(WRAPPER + "CK_ATTRIBUTE");
            Class<?> attributes = attribute.arrayType();
            getInstance = l.findStatic(p11, "getInstance",
                    MethodType.methodType(p11, String.class, String.class, initArgs, boolean.class));
            getSlotList = l.findVirtual(p11, "C_GetSlotList", MethodType.methodType(long[].class, boolean.class));
            getTokenInfo = l.findVirtual(p11, "C_GetTokenInfo", MethodType.methodType(tokenInfo, long.class));
            openSession = l.findVirtual(p11, "C_OpenSession",
                    MethodType.methodType(long.class, long.class, long.class, Object.class, notify));
            closeSession = l.findVirtual(p11, "C_CloseSession", MethodType.methodType(void.class, long.class));
            findInit = l.findVirtual(p11, "C_FindObjectsInit", MethodType.methodType(void.class, long.class, attributes));
            find = l.findVirtual(p11, "C_FindObjects", MethodType.methodType(long[].class, long.class, long.class));
            findFinal = l.findVirtual(p11, "C_FindObjectsFinal", MethodType.methodType(void.class, long.class));
            getAttributeValue = l.findVirtual(p11, "C_GetAttributeValue",
                    MethodType.methodType(void.class, long.class, long.class, attributes));
            newInitArgs = l.findConstructor(initArgs, MethodType.methodType(void.class));
            setFlags = l.findSetter(initArgs, "flags", long.class);
            setReserved = l.findSetter(initArgs, "pReserved", Object.class);
            newAttribute = l.findConstructor(attribute, MethodType.methodType(void.class, long.class));
            newBooleanAttribute = l.findConstructor(attribute, MethodType.methodType(void.class, long.class, boolean.class));
            newLongAttribute = l.findConstructor(attribute, MethodType.methodType(void.class, long.class, long.class));
            newObjectAttribute = l.findConstructor(attribute, MethodType.methodType(void.class, long.class, Object.class));
            value = l.findGetter(attribute, "pValue", Object.class);
            label = l.findGetter(tokenInfo, "label", char[].class);
            manufacturer = l.findGetter(tokenInfo, "manufacturerID", char[].class);
            model = l.findGetter(tokenInfo, "model", char[].class);
            serial = l.findGetter(tokenInfo, "serialNumber", char[].class);
        }

        static synchronized Api get() throws IOException {
            if (instance == null) {
                try {
                    instance = new Api();
                } catch (IllegalAccessException e) {
                    throw new IOException("PKCS#11 keys need the JVM option " + EXPORT_OPTION
                            + " (bin/walship passes it)", e);
                } catch (ReflectiveOperationException e) {
                    throw new IOException("this JVM has no usable SunPKCS11 (jdk.crypto.cryptoki): " + e, e);
                }
            }
            return instance;
        }
    }
}
