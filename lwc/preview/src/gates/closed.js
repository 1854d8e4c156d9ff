// A feature gate held shut. lightning-base-components' own stub opens every gate, but some gated code paths
// need native shadow DOM (e.g. the combobox's ElementInternals), which synthetic shadow does not provide.
export default { isOpen: () => false };
