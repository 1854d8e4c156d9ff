// sf plugins expose commands, not a programmatic API.
export default {};
