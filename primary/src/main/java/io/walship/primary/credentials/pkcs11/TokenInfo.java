package io.walship.primary.credentials.pkcs11;

/** What a module says about the token in one of its slots: the attributes a PKCS#11 URI can select it by. */
record TokenInfo(long slot, String label, String manufacturer, String model, String serial) {

    /** An attribute the URI leaves out matches anything. */
    boolean matches(Pkcs11Uri uri) {
        return (uri.slotId() == null || uri.slotId() == slot)
                && (uri.token() == null || uri.token().equals(label))
                && (uri.manufacturer() == null || uri.manufacturer().equals(manufacturer))
                && (uri.model() == null || uri.model().equals(model))
                && (uri.serial() == null || uri.serial().equals(serial));
    }

    @Override
    public String toString() {
        return "\"" + label + "\" (slot " + slot + ")";
    }
}
