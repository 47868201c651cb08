/**
 * Class names BigDesign gives its styled parts (styled-components: displayName and componentId, fixed in BigDesign's
 * build), for a rule of ours that targets them without importing the part and its styles into a page that does not
 * show it. lib/ui/big-design-classes.test.ts checks each against the installed BigDesign.
 */
export const INPUT_WRAPPER_CLASS = 'styled__StyledInputWrapper-sc-g32raa-0';
