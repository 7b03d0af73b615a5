// AWS SDK errors → the API's WarrenErrors: kept here for the transports' imports; the translation
// lives with the one error table (src-main/aws/aws-error.ts).
export { awsError } from '../../aws/aws-error.js';
