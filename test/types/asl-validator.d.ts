/** asl-validator ships no types: its entry point is one function (dist/src/validator.js). */
declare module 'asl-validator' {
  interface ValidationError {
    'Error code': string;
    Message?: string;
    message?: string;
    path?: string;
  }
  function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: ValidationError[]; errorsText: (separator?: string) => string };
  export = aslValidator;
}
