// Shared by the ACL handlers until the broker has an authorizer: Kafka's message for that case.
export const NO_AUTHORIZER = 'No Authorizer is configured';
