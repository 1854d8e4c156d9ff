// Some conveniences (the token in the dashboard page, the LWC preview) are only for clients on this machine.
export const isLoopback = (address: string | undefined): boolean => !!address && /^(127\.|::1$|::ffff:127\.)/.test(address);
