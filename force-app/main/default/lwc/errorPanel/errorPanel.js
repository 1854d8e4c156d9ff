import { LightningElement, api } from 'lwc';
import { reduceErrors } from 'c/ldsUtils';

export default class ErrorPanel extends LightningElement {
    @api friendlyMessage = 'Something went wrong while loading this data.';
    @api errors;

    showDetails = false;

    get messages() {
        return reduceErrors(this.errors).map((text, index) => ({ key: `${index}`, text }));
    }

    get hasDetails() {
        return this.messages.length > 0;
    }

    get detailsLabel() {
        return this.showDetails ? 'Hide details' : 'Show details';
    }

    get ariaExpanded() {
        return String(this.showDetails);
    }

    toggleDetails() {
        this.showDetails = !this.showDetails;
    }
}
